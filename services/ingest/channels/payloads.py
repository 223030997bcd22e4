"""What every platform payload model shares (pure): tolerant bodies, ids as strings, and the
one-line explanation of a validation error that ``InvalidInput`` details carry."""

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError


class Payload(BaseModel):
    """Real deliveries carry more fields than the documentation shows: ignore the rest."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def _as_str(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Platforms send ids as strings, some (or some compatible servers) as numbers.
Id = Annotated[str, BeforeValidator(_as_str)]


def describe(error: ValidationError, prefix: str = "") -> str:
    """``"<field>: <problem>"`` for the first error, as ``InvalidInput`` details read."""
    first = error.errors()[0]
    path = [prefix] if prefix else []
    where = ".".join([*path, *(str(p) for p in first["loc"])]) or "body"
    return f"{where}: {first['msg']}"
