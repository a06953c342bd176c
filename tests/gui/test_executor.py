"""The database thread: jobs run off the GUI thread; results and errors come back on it."""

import threading

from crechebooks_desktop.ui.executor import Executor


def test_jobs_run_in_order_on_one_other_thread(qtbot) -> None:
    executor = Executor()
    seen: list[tuple[int, str]] = []
    callbacks: list[str] = []
    try:
        with qtbot.waitSignal(
            executor.busy_changed, timeout=5000, check_params_cb=lambda busy: busy is False
        ):
            for i in range(5):
                executor.submit(
                    lambda i=i: seen.append((i, threading.current_thread().name)) or i,
                    lambda _r: callbacks.append(threading.current_thread().name),
                    lambda _exc: None,
                )
    finally:
        executor.shutdown()
    assert [i for i, _ in seen] == [0, 1, 2, 3, 4]
    worker_threads = {name for _, name in seen}
    assert len(worker_threads) == 1
    assert "MainThread" not in worker_threads
    assert callbacks == ["MainThread"] * 5


def test_a_failing_job_reaches_its_error_callback(qtbot) -> None:
    executor = Executor()
    errors: list[BaseException] = []
    results: list[object] = []

    def boom() -> None:
        raise ValueError("bad row")

    try:
        with qtbot.waitSignal(
            executor.busy_changed, timeout=5000, check_params_cb=lambda busy: busy is False
        ):
            executor.submit(boom, results.append, errors.append)
    finally:
        executor.shutdown()
    assert results == []
    assert [str(e) for e in errors] == ["bad row"]
