import asyncio

from shared.workers import Closing, Periodic


async def test_a_failing_step_is_tried_again_at_the_next_tick() -> None:
    calls: list[int] = []
    third = asyncio.Event()

    async def step() -> None:
        calls.append(len(calls))
        if len(calls) == 3:
            third.set()
        if len(calls) == 1:
            raise RuntimeError("the first round fails")

    closed = asyncio.Event()

    async def close() -> None:
        closed.set()

    worker = Periodic("test", step, interval_s=0, close=close)
    worker.start()
    await asyncio.wait_for(third.wait(), timeout=5)
    await worker.stop()
    assert calls[:3] == [0, 1, 2]
    assert closed.is_set()


async def test_closing_closes_on_stop_only() -> None:
    closed: list[bool] = []

    async def close() -> None:
        closed.append(True)

    worker = Closing(close)
    worker.start()
    assert closed == []
    await worker.stop()
    assert closed == [True]
