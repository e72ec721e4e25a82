"""How long the loader takes, and how much memory, to refuse each hostile content file.

    .venv/bin/python bench/hostile_content.py

Each file is put beside one good article in a fresh content folder and the folder is
loaded as a build loads it; the table gives the seconds and Python's peak memory
(tracemalloc) per file. Before aliases and sizes were limited, the 490-byte alias bomb
took 60 s and 4.3 GB and was published. Figures, not assertions (tests bound the memory).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import ContentTree  # noqa: E402
from tests.unit.test_content_limits import BILLION_LAUGHS, measured  # noqa: E402
from webapp.content import ContentError  # noqa: E402

FRONT = "title: Skratt\nlead: Ingress.\npublished: 2024-05-02 09:30\ntopics: [klimat]\n"
TABLE = "|a" * 20_000 + "\n" + "|-" * 20_000 + "\n" + "x\n" * 40_000


def cases(tree: ContentTree):
    yield "alias bomb in an article (490 bytes)", lambda: tree.write(
        "articles/bomb.sv.md", f"---\n{FRONT}{BILLION_LAUGHS}contacts:\n  - name: *h\n---\nText\n"
    )
    yield "table that would render to 10 GB", lambda: tree.article("tabell", body=TABLE)
    yield "quotes nested 5,000 deep", lambda: tree.article("djup", body="> " * 5_000 + "x")
    yield "180 KB of nested quotes (2.4 MB of HTML)", lambda: tree.article("lang", body="> " * 90_000 + "x")
    yield "alias bomb in site.yaml", lambda: tree.write(
        "site.yaml", (tree.root / "site.yaml").read_text() + BILLION_LAUGHS + "phone: *h\n"
    )


def main() -> None:
    print("| hostile file | seconds | peak MB | outcome |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        names = [name for name, _ in cases(ContentTree(Path(scratch) / "names"))]
        for number, name in enumerate(names):
            tree = ContentTree(Path(scratch) / str(number))
            tree.article("bra")
            dict(cases(tree))[name]()
            def load(tree=tree):
                try:
                    content = tree.load()
                except ContentError as error:
                    return f"build stopped: {str(error).splitlines()[1].strip()[:70]}"
                return f"{len(content.problems)} problem(s), {len(content.articles)} article(s) published"

            outcome, seconds, megabytes = measured(load)
            print(f"| {name} | {seconds:.2f} | {megabytes:.1f} | {outcome} |")


if __name__ == "__main__":
    main()
