#!/usr/bin/env python3
"""Regenerates the "## Cases" table of tests/conformance/cases/README.md from each case's case.md and
reference.txt, so adding cases never means editing the table by hand.

    scripts/cases-table.py            rewrite the table in place
    scripts/cases-table.py --check    exit 1 if the table is out of date
"""
import os
import sys

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
root = os.path.join(repo, "tests", "conformance", "cases")
readme = os.path.join(root, "README.md")


def row(name):
    d = os.path.join(root, name)
    with open(os.path.join(d, "case.md"), encoding="utf-8") as fh:
        what = " ".join(line.strip() for line in fh.read().strip().splitlines() if line.strip())
    what = what.replace("|", "\\|")
    try:
        with open(os.path.join(d, "reference.txt"), encoding="utf-8") as fh:
            lines = [l for l in fh.read().splitlines() if l.strip()]
        findings = "REFUSED" if lines == ["REFUSED"] else str(len(lines))
    except FileNotFoundError:
        findings = "?"
    return f"| `{name}` | {what} | {findings} |"


def main():
    names = sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n, "home")))
    table = "| case | what it covers | findings |\n|---|---|---|\n" + "\n".join(row(n) for n in names) + "\n"
    with open(readme, encoding="utf-8") as fh:
        text = fh.read()
    head, sep, _ = text.partition("## Cases\n")
    if not sep:
        sys.exit("README.md has no '## Cases' heading")
    new = f"{head}## Cases\n\n{len(names)} cases.\n\n{table}"
    if "--check" in sys.argv:
        sys.exit(0 if new == text else 1)
    with open(readme, "w", encoding="utf-8") as fh:
        fh.write(new)
    print(f"{len(names)} cases")


main()
