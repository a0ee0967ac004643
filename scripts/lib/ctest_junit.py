#!/usr/bin/python3
"""ctest_junit.py FILE: the verdicts in a `ctest --output-junit FILE` report.

Prints "PASSED FAILED SKIPPED" on the first line, then, for each failed test, its name, ctest's
reason and the last lines of its output. ctest writes status="notrun" both for a skip (exit code
SKIP_RETURN_CODE, or SKIP_REGULAR_EXPRESSION matched) and for a test that could not run (missing
executable, failed fixture); ctest counts the second kind as failed, and so does this.
"""
import sys
import xml.etree.ElementTree as ET

OUTPUT_LINES = 20


def verdict(case):
    status = case.get("status")
    if status == "run":
        return "passed", ""
    if status == "disabled":
        return "skipped", "disabled"
    skipped = case.find("skipped")
    if status == "notrun" and skipped is not None and skipped.get("message", "").startswith("SKIP_"):
        return "skipped", skipped.get("message")
    reason = case.find("failure") if skipped is None else skipped
    return "failed", (reason.get("message", "") if reason is not None else status) or "non-zero exit"


def main(path):
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failures = []
    for case in ET.parse(path).getroot().iter("testcase"):
        kind, reason = verdict(case)
        counts[kind] += 1
        if kind == "failed":
            output = (case.findtext("system-out") or "").rstrip().splitlines()[-OUTPUT_LINES:]
            failures.append((case.get("name"), reason, output))
    print(counts["passed"], counts["failed"], counts["skipped"])
    for name, reason, output in failures:
        print(f"FAILED {name} ({reason}):")
        for line in output:
            print("    " + line)


if __name__ == "__main__":
    main(sys.argv[1])
