"""`khabar` as the console script runs it (`main`, not standalone typer): bad usage exits 2 with click's message and
no traceback (README «Exit codes»). typer vendors click, so catching the click package's exceptions missed these."""

from __future__ import annotations

import signal

import pytest

from khabar import cli


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nosuchcommand"], "No such command"),
        (["sql", "--no-such-option", "SELECT 1"], "No such option"),
        (["export"], "Missing argument"),
    ],
    ids=["command", "option", "argument"],
)
def test_bad_usage_exits_2_with_the_message(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handlers = {sig: signal.getsignal(sig) for sig in cli.SIGNALS}
    monkeypatch.setattr("sys.argv", ["khabar", *argv])
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.main()
    finally:  # main() leaves the stop signals ignored for the process's shutdown: give pytest its handlers back
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert message in err and "Traceback" not in err
