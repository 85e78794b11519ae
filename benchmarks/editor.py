"""Language server latency on the payment example (40 resources), and `cfnfix check` start-up.

    python benchmarks/editor.py [--rounds 30] [--template examples/payment-processing/template.yaml]

Starts `cfnfix server` as an editor would (a pygls client over stdio) and times, from the client's
side: diagnostics after a change (didChange sent -> publishDiagnostics for that version received,
the server's debounce included), a quick-fix code action at the CFX101 finding, and the same request
without a kind filter (which also builds the fix-all action), and the server's CPU time for each
(load-independent, where round trips on a busy machine are not). Then the process time of `cfnfix check`
on a small template and whether it imports pygls or mcp. Prints a table; writes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
SMALL = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n'


def _cpu(pid: int) -> float | None:
    """User + system seconds a process has used (Linux), to show the server's own cost apart from
    the waiting a busy machine adds to the round trips."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _per_round(before: float | None, after: float | None, rounds: int) -> str:
    return f"{(after - before) / rounds * 1000:.0f}" if before is not None and after is not None else "n/a"


def _stats(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return f"| {label} | {statistics.median(ms):.0f} | {p90:.0f} | {ms[-1]:.0f} | {len(ms)} |"


async def _lsp(template: Path, rounds: int) -> list[str]:
    client = LanguageClient("cfnfix-benchmark", "1")
    published: dict[int | None, float] = {}
    arrived = asyncio.Event()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: lsp.PublishDiagnosticsParams) -> None:
        published[params.version] = time.perf_counter()
        client.last = params.diagnostics  # type: ignore[attr-defined]
        arrived.set()

    async def until(version: int) -> float:
        while version not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 60)
        return published[version]

    await client.start_io(sys.executable, "-m", "cfnfix.cli", "server")
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(workspace_edit=lsp.WorkspaceEditClientCapabilities(
            document_changes=True)))))
    client.initialized(lsp.InitializedParams())
    text = template.read_text(encoding="utf-8")
    uri = template.resolve().as_uri()
    language = "json" if template.suffix == ".json" else "yaml"
    started = time.perf_counter()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, language, 1, text)))
    opened = await until(1) - started

    # a change an author makes: a comment line typed in the middle of the file (YAML), or a description (JSON)
    if language == "yaml":
        edited = text.replace("\nResources:\n", "\nResources:\n  # typing\n", 1)
    else:
        edited = text.replace('"Resources": {', '"Resources": {"Typing": {"Type": "AWS::SNS::Topic"},', 1)
    pid = client._server.pid  # type: ignore[union-attr]
    cpu_changes = _cpu(pid)
    changes: list[float] = []
    version = 1
    for i in range(rounds):
        version += 1
        body = edited if i % 2 == 0 else text
        sent = time.perf_counter()
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version, uri), [lsp.TextDocumentContentChangeWholeDocument(body)]))
        changes.append(await until(version) - sent)
        await asyncio.sleep(0.05)
    cpu_actions = _cpu(pid)
    cfx101 = next(d for d in client.last if d.code == "CFX101")  # type: ignore[attr-defined]
    timed: dict[str, list[float]] = {}
    cpu: dict[str, str] = {}
    for label, only in (("quickfix", ["quickfix"]), ("all", None)):
        times = timed.setdefault(label, [])
        start_cpu = _cpu(pid)
        for i in range(rounds):
            sent = time.perf_counter()
            actions = await client.text_document_code_action_async(lsp.CodeActionParams(
                lsp.TextDocumentIdentifier(uri), cfx101.range, lsp.CodeActionContext([cfx101], only=only)))
            times.append(time.perf_counter() - sent)
            assert actions and actions[0].edit is not None
        cpu[label] = _per_round(start_cpu, _cpu(pid), rounds)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return [f"| open -> first diagnostics | {opened * 1000:.0f} | | | 1 | |",
            _stats("change -> diagnostics (debounce 50 ms included)", changes)
            + f" {_per_round(cpu_changes, cpu_actions, rounds)} |",
            _stats("code action at CFX101 (quickfix)", timed["quickfix"]) + f" {cpu['quickfix']} |",
            _stats("code action at CFX101 (all kinds, with fix-all)", timed["all"]) + f" {cpu['all']} |"]


def _startup(rounds: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.yaml"
        small.write_text(SMALL)
        times = []
        for _ in range(rounds):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-m", "cfnfix.cli", "check", str(small)], stdout=subprocess.DEVNULL,
                           cwd=folder, check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        imports = subprocess.run([sys.executable, "-X", "importtime", "-m", "cfnfix.cli", "check", str(small)],
                                 capture_output=True, text=True, cwd=folder).stderr
    loaded = sorted({m for m in ("pygls", "lsprotocol", "mcp") if f" {m}\n" in imports or f" {m}." in imports})
    return [_stats("`cfnfix check` small template, process time", times) + " |",
            f"| modules of the extras imported by `check` | {', '.join(loaded) or 'none'} | | | | |"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--template", type=Path, default=ROOT / "examples" / "payment-processing" / "template.yaml")
    args = parser.parse_args()
    print(f"{args.template.name}, {args.rounds} rounds\n")
    print("| measure | median ms | p90 ms | max ms | n | server CPU ms each |\n|---|---|---|---|---|---|")
    for line in asyncio.run(_lsp(args.template, args.rounds)) + _startup(args.rounds):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
