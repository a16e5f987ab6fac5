"""The machine's processes, read from /proc: for the tests and the bench that count what a
server's kiosks leave behind."""

from __future__ import annotations

from pathlib import Path


def processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent, process group, state) for every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return found


def children(pid: int) -> list[int]:
    return [child for child, (parent, _, _) in processes().items() if parent == pid]


def alive_in_groups(groups: set[int]) -> list[int]:
    """The processes of these groups that are still running (a zombie has ended)."""
    return [pid for pid, (_, group, state) in processes().items() if group in groups and state != "Z"]


def memory_mib(pid: int, kind: str = "rss") -> float | None:
    """A process's resident (`rss`, from /proc/PID/status) or proportional (`pss`, from
    /proc/PID/smaps_rollup) memory in MiB; None once it is gone."""
    path, key = (f"/proc/{pid}/status", "VmRSS:") if kind == "rss" else (f"/proc/{pid}/smaps_rollup", "Pss:")
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def descendants(pid: int) -> list[int]:
    """Every process below `pid`: its children, theirs, and so on (a warm pool's kiosks are its
    fork server's children)."""
    table = processes()
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        below = [child for child, (up, _, state) in table.items() if up == parent and state != "Z"]
        found += below
        frontier += below
    return found


def threads(pid: int) -> int:
    """A process's threads (0 once it is gone): a pooled kiosk waiting for its tab has one, a
    kiosk drawing a tab several."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def command_line(pid: int) -> list[str]:
    try:
        return [word.decode() for word in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if word]
    except OSError:
        return []
