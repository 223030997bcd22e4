import asyncio

import pytest

from shared.batching import GroupCommitter


async def test_concurrent_submissions_share_one_write_and_get_their_own_results() -> None:
    writes: list[list[int]] = []
    gate = asyncio.Event()

    async def flush(items: list[int]) -> list[int]:
        writes.append(items)
        await gate.wait()
        return [i * 10 for i in items]

    committer: GroupCommitter[int, int] = GroupCommitter(flush)
    first = asyncio.create_task(committer.submit([1]))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(committer.submit([n, n + 100])) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    gate.set()
    assert await first == [10]
    assert [await task for task in rest] == [[20, 1020], [30, 1030], [40, 1040]]
    assert writes == [[1], [2, 102, 3, 103, 4, 104]]


async def test_a_failed_write_fails_only_its_own_batch() -> None:
    calls = 0

    async def flush(items: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("database away")
        return items

    committer: GroupCommitter[int, int] = GroupCommitter(flush)
    with pytest.raises(OSError, match="database away"):
        await committer.submit([1])
    assert await committer.submit([2]) == [2]


async def test_batches_respect_the_maximum_size() -> None:
    sizes: list[int] = []
    gate = asyncio.Event()

    async def flush(items: list[int]) -> list[int]:
        sizes.append(len(items))
        await gate.wait()
        return items

    committer: GroupCommitter[int, int] = GroupCommitter(flush, max_batch=3)
    tasks = [asyncio.create_task(committer.submit([n])) for n in range(7)]
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(*tasks)
    assert sizes == [3, 3, 1]
