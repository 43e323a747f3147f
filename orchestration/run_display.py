"""What `qm run` shows while it runs: one row per step, live on a terminal, plain lines else.

On a terminal (rich): a spinner or bar per step (ingest, dbt build, validation,
publication) with its count and current item; files, failures and the publication are
printed above it as they happen. Not on a terminal (piped, CI, a log): one plain line per
file, model, failed test, suite and publication, without colour codes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn
from rich.text import Text

from orchestration.pipeline import STEPS, RunSummary, display_step
from orchestration.pipeline import Progress as StepProgress

TITLES = {
    "ingest": "Ingest",
    "dbt": "dbt build",
    "validate": "Validation",
    "publish": "Publication",
}
UNITS = {"ingest": "files", "dbt": "nodes", "validate": "suites", "publish": ""}


class StepState:
    """Counts and state of one step, shared by both displays."""

    def __init__(self) -> None:
        self.state = "waiting"  # waiting | running | ok | failed
        self.done = 0
        self.total: int | None = None
        self.failed: list[str] = []
        self.current = ""


class PlainDisplay:
    """One line per event: readable in a log, a CI job or a pipe."""

    def __init__(self, out: TextIO):
        self.out = out
        self.steps = {step: StepState() for step in STEPS}
        self.step = ""

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _leave(self, step: str) -> None:
        """The step in progress ends: say what dbt did as a whole (tests are not listed)."""
        dbt = self.steps["dbt"]
        if self.step == "dbt" and step != "dbt":
            failed = f", {len(dbt.failed)} failed" if dbt.failed else ""
            self._print(f"{'dbt':<9} {dbt.done} of {dbt.total} models and tests done{failed}")
        self.step = step

    def update(self, event: StepProgress) -> None:
        if event.status == "plan":
            return
        self._leave(event.step)
        state = self.steps[event.step]
        if event.status == "start":
            state.total = event.total
            self._print(f"{event.step:<9} {event.item}: {event.detail}")
            return
        state.done += 1
        if event.status == "failed":
            state.failed.append(event.item)
        # Passing dbt tests are counted, not listed: a hundred "pass" lines say nothing.
        if event.step == "dbt" and event.item.startswith("test ") and event.status == "ok":
            return
        mark = "FAILED" if event.status == "failed" else "ok"
        detail = f" ({event.detail})" if event.detail else ""
        self._print(f"{event.step:<9} {event.item}: {mark}{detail}")

    def finish(self, summary: RunSummary) -> None:
        self._leave("")


class StatusColumn(ProgressColumn):
    """✓ done, ✗ failed, · waiting, a spinner while running."""

    def __init__(self) -> None:
        super().__init__()
        self.spinner = SpinnerColumn()

    def render(self, task: Task) -> Text:
        state = task.fields["state"]
        if state == "ok":
            return Text("✓", style="green")
        if state == "failed":
            return Text("✗", style="bold red")
        if state == "waiting":
            return Text("·", style="dim")
        return self.spinner.render(task)


class LiveDisplay:
    """A live table of the steps on a terminal."""

    def __init__(self, console: Console):
        self.console = console
        self.steps = {step: StepState() for step in STEPS}
        self.progress = Progress(
            StatusColumn(),
            TextColumn("{task.description:<12}"),
            BarColumn(bar_width=30),
            TextColumn("{task.fields[count]:>13}"),
            TextColumn("[dim]{task.fields[current]}"),
            console=console,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.tasks = {
            step: self.progress.add_task(
                TITLES[step], total=None, start=False, state="waiting", count="", current=""
            )
            for step in STEPS
        }

    def __enter__(self) -> LiveDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.progress.stop()

    def _refresh(self, step: str) -> None:
        state = self.steps[step]
        count = f"{state.done}/{state.total}" if state.total else str(state.done or "")
        if count and UNITS[step]:
            count += f" {UNITS[step]}"
        self.progress.update(
            self.tasks[step],
            total=state.total,
            completed=state.done,
            state=state.state,
            count=count,
            current=state.current,
        )

    def _begin(self, step: str) -> None:
        """A step starts: the ones before it are over."""
        for earlier in STEPS[: STEPS.index(step)]:
            if self.steps[earlier].state in ("waiting", "running"):
                self.steps[earlier].state = (
                    "ok" if self.steps[earlier].state == "running" else "waiting"
                )
                self.steps[earlier].current = ""
                self._refresh(earlier)
        state = self.steps[step]
        if state.state == "waiting":
            state.state = "running"
            self.progress.start_task(self.tasks[step])

    def update(self, event: StepProgress) -> None:
        state = self.steps[event.step]
        if event.status == "plan":
            state.total = event.total
            self._refresh(event.step)
            return
        self._begin(event.step)
        if event.status == "start":
            state.total = event.total
        else:
            state.done += 1
            state.current = event.item
            if event.status == "failed":
                state.failed.append(event.item)
                detail = f": {event.detail}" if event.detail else ""
                self.console.print(f"[bold red]✗[/] {event.step} {event.item} failed{detail}")
            elif event.step == "ingest":
                self.console.print(f"[dim]  {event.item}: {event.detail}[/]")
            elif event.step == "publish":
                self.console.print(f"[green]✓[/] published {event.item}")
        self._refresh(event.step)

    def finish(self, summary: RunSummary) -> None:
        failed_steps = {display_step(step) for step in summary.failed_steps}
        for step in STEPS:
            state = self.steps[step]
            if step in failed_steps or state.failed:
                state.state = "failed"
            elif state.state == "running" or (step == "publish" and summary.published):
                state.state = "ok"
            if state.state == "ok":
                state.total = state.done = max(state.done, 1)
            state.current = ""
            self._refresh(step)


@contextlib.contextmanager
def run_display(out: TextIO) -> Iterator[PlainDisplay | LiveDisplay]:
    """The live display on a terminal, plain lines otherwise."""
    console = Console(file=out)
    if console.is_terminal and not console.is_dumb_terminal:
        with LiveDisplay(console) as display:
            yield display
    else:
        yield PlainDisplay(out)
