"""The output layer: every byte kxplan prints goes through the streams set up here.

- ``install_streams`` (the console script calls it first) makes the standard streams safe:
  file descriptors 0–2 that were closed (``>&-``) are opened on ``/dev/null`` so no file kxplan
  opens can take their number; stdout and stderr write unencodable characters as
  ``\\uXXXX`` instead of failing (an ASCII or Latin-1 terminal, ``PYTHONIOENCODING=ascii``,
  bytes that were not UTF-8 in arguments); a failing stdout (closed, broken pipe, full disk)
  raises ``OutputFailed`` once, a failing stderr is silent (there is nowhere left to say it).
- ``committed(line)``: a command that has just committed a write says so. From then on the
  exit status means "stored" (0) whatever happens to the output: if stdout is gone, the line
  goes to stderr instead (``finish``).
- ``finish(failure)`` turns an output failure into the exit status: after a commit 0; a
  broken pipe (``kxplan status | head -1``) 141, quietly, as a command killed by SIGPIPE;
  otherwise one line and exit 4.
- ``echo``/``notice``/``print_json``: data to stdout, messages for people to stderr.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kxplan.cli.env import console
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.plan import Plan, Target


class OutputFailed(BaseException):  # noqa: N818 - not an error of the user's: an exit path
    """Standard output cannot be written (closed, broken pipe, disk full).

    A ``BaseException``, so no ``except Exception`` on the way mistakes it for a failure of
    the work itself; ``KxplanGroup`` hands it to ``finish``.
    """

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(reason)
        self.errno = code
        self.reason = reason


class _Stdout(io.RawIOBase):
    """File descriptor 1 that raises ``OutputFailed`` once when writing fails, then discards."""

    def __init__(self, fd: int, *, closed: bool) -> None:
        super().__init__()
        self._fd = fd
        self._gone = closed  # closed before kxplan started: the first write reports it
        self._dead = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return not self._gone and os.isatty(self._fd)

    def write(self, data: Any) -> int:
        size = len(data)
        if self._dead:
            return size
        if self._gone:
            self._dead = True
            raise OutputFailed(errno.EBADF, os.strerror(errno.EBADF))
        try:
            return os.write(self._fd, data)
        except OSError as exc:
            self._dead = True
            raise OutputFailed(exc.errno, exc.strerror or str(exc)) from None


class _Stderr(io.RawIOBase):
    """File descriptor 2 that never raises: when it fails there is nowhere to say so."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        try:
            return os.isatty(self._fd)
        except OSError:
            return False

    def write(self, data: Any) -> int:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            pass
        return len(data)


def _encoding(stream: Any) -> str:
    return getattr(stream, "encoding", None) or "utf-8"


def install_streams() -> None:
    """Make stdin/stdout/stderr safe for the whole run (see the module docstring)."""
    closed = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    out_terminal = 1 not in closed and os.isatty(1)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_Stdout(1, closed=1 in closed)),
        encoding=_encoding(sys.stdout),
        errors="backslashreplace",
        line_buffering=out_terminal,
    )
    sys.stderr = io.TextIOWrapper(
        _Stderr(2),  # unbuffered: each message written at once, whole
        encoding=_encoding(sys.stderr),
        errors="backslashreplace",
        write_through=True,
    )


_committed: list[str] = []


def begin() -> None:
    """A new invocation: nothing committed yet."""
    _committed.clear()


def committed(line: str) -> None:
    """A write was committed; ``line`` (e.g. ``#12 recorded``) goes to stderr if stdout fails."""
    _committed.append(line)


def is_committed() -> bool:
    """Whether this invocation has committed a write (its exit status now means "stored")."""
    return bool(_committed)


def say_committed(problem: str | None = None) -> None:
    """On stderr: what was stored, then (if any) the problem that came after the commit."""
    from kxplan.text import shown

    for line in _committed:
        notice(shown(line))
    if problem:
        notice(f"{t('error.after_commit')}: {shown(problem)}")


def flush() -> None:
    """Flush stdout (``OutputFailed`` if it cannot be written)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:  # a stream that is not ours (tests)
        raise OutputFailed(getattr(exc, "errno", None), str(exc)) from None


def finish(failure: OutputFailed) -> int:
    """The exit status after stdout failed (see the module docstring); says what it must."""
    if is_committed():
        say_committed()
        return 0
    if failure.errno == errno.EPIPE:
        return 141
    notice(f"{t('error.prefix')}: {t('io.stdout_failed', reason=failure.reason)}")
    return 4


def echo(text: str = "") -> None:
    """Write a line of data to stdout."""
    sys.stdout.write(text + "\n")


def notice(text: str) -> None:
    """Write a line for people to stderr (notices, warnings)."""
    sys.stderr.write(text + "\n")


def print_json(data: Any) -> None:
    """Write data as UTF-8 JSON (Chinese kept readable), 2-space indented, to stdout."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def json_array(items: Iterable[Any], level: int = 0) -> Iterator[str]:
    """A JSON array written item by item: the text of ``print_json(list(items))``, in pieces.

    A listing of any length is written as it is read, in bounded memory. ``level`` is how
    deep the array sits in an enclosing document (its text then has no final newline).
    """
    import json

    outer = "  " * level
    opening = "[\n"
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2)
        yield opening + outer + "  " + text.replace("\n", "\n  " + outer)
        opening = ",\n"
    end = "" if level else "\n"
    yield ("[]" if opening == "[\n" else f"\n{outer}]") + end


def print_json_streaming(document: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """``print_json(document | {key: list(items)})`` with the array (the last key) streamed."""
    import json

    head = json.dumps({**document, key: []}, ensure_ascii=False, indent=2)
    assert head.endswith("[]\n}")
    sys.stdout.write(head[: -len("[]\n}")])
    for piece in json_array(items, level=1):
        sys.stdout.write(piece)
    sys.stdout.write("\n}\n")


def plan_tree(plan: Plan) -> None:
    """Render a plan as a tree: sections → points → targets."""
    from rich.markup import escape
    from rich.tree import Tree

    from kxplan.text import goal_text, section_heading

    tree = Tree(f"[bold]{escape(plan.title)}[/] · {escape(plan.org)} · {plan.year}")
    for section in plan.sections:
        branch = tree.add(f"[bold]{escape(section_heading(section.number, section.title))}[/]")
        for point in section.points:
            leaf = branch.add(f"{point.number}. {escape(point.title)}")
            for target in point.targets:
                node = leaf.add(
                    f"[dim]{target.id}[/]  {escape(target.title)}  ({goal_text(target)})"
                )
                if target.allocation:
                    node.add(escape(allocation_text(plan, target)))
    if plan.units:
        branch = tree.add(f"[bold]{escape(t('plan.units_heading'))}[/]")
        for unit in plan.units:
            aliases = (
                t("plan.unit_aliases", aliases="、".join(unit.aliases)) if unit.aliases else ""
            )
            kind = t(f"plan.unit_kind.{unit.kind}")
            branch.add(f"[dim]{unit.id}[/]  {escape(unit.name)} · {kind}{escape(aliases)}")
    console().print(tree)


def allocation_text(plan: Plan, target: Target) -> str:
    """A target's allocation in one line, its sum beside the goal: ``分解：南湖区科协 2、… 合计 10（目标 10）``."""
    from kxplan.numbers import format_number

    shares = t("plan.allocation_sep").join(
        t(
            "plan.allocation_share",
            unit=_unit_name(plan, share.unit),
            amount=format_number(share.amount),
        )
        for share in target.allocation
    )
    return t(
        "plan.allocation",
        shares=shares,
        total=format_number(target.allocated()),
        goal=format_number(target.goal),
        unit=target.unit or "",
    )


def _unit_name(plan: Plan, unit_id: str) -> str:
    unit = plan.unit(unit_id)
    return unit.name if unit is not None else unit_id
