"""Write N realistic articles in both languages in the real content format.

    .venv/bin/python bench/corpus.py --articles 10000 --out var/corpus-10000

The corpus reuses the demo site's site.yaml, topics and partners, and builds its texts
from the demo articles' own sentences, so words, compounds and lengths look like the real
thing: varied length (2 to 30 paragraphs), 1–3 topics, 0–2 partners, dates spread over 25
years, about one in eight articles in Swedish only. Deterministic for a given N.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import frontmatter
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"


def _sentences(lang: str) -> list[str]:
    found: list[str] = []
    for path in sorted((DEMO / "articles").rglob(f"*.{lang}.md")):
        body = frontmatter.loads(path.read_text(encoding="utf-8")).content
        body = re.sub(r"(?m)^(:::.*|#+ .*|[-*] .*|\d+\. .*)$", "", body)
        found += [s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if 40 < len(s.strip()) < 300]
    return found


def _title(rng: random.Random, sentences: list[str]) -> str:
    words = rng.choice(sentences).rstrip(".!?").split()
    start = rng.randrange(max(1, len(words) - 6))
    return " ".join(words[start : start + rng.randint(4, 9)]).capitalize()


def write_corpus(count: int, out: Path, seed: int = 7) -> None:
    """Write `count` articles (most in both languages) under `out`, replacing it."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(DEMO / "site.yaml", out / "site.yaml")
    # Synonyms apply to any corpus; best bets name demo articles, which are not in it.
    settings = yaml.safe_load((DEMO / "search.yaml").read_text(encoding="utf-8"))
    settings.pop("best_bets", None)
    (out / "search.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    for folder in ("topics", "partners", "images", "pages"):
        shutil.copytree(DEMO / folder, out / folder)
    topics = sorted(p.stem for p in (DEMO / "topics").glob("*.yaml"))
    partners = sorted(p.stem for p in (DEMO / "partners").glob("*.yaml"))
    text = {lang: _sentences(lang) for lang in ("sv", "en")}
    start = datetime(2001, 1, 1, 8, 0)
    span = (datetime(2026, 11, 1) - start).total_seconds()
    for number in range(count):
        published = start + timedelta(seconds=span * number / count + rng.randint(0, 3600))
        chosen_topics = rng.sample(topics, rng.randint(1, 3))
        chosen_partners = rng.sample(partners, rng.choice([0, 0, 1, 1, 2]))
        paragraphs = rng.choice([2, 3, 4, 6, 8, 12, 30])
        key = f"nyhet-{number:06d}"
        folder = out / "articles" / str(published.year)
        folder.mkdir(parents=True, exist_ok=True)
        languages = ("sv",) if rng.random() < 0.125 else ("sv", "en")
        for lang in languages:
            sentences = text[lang]
            body = "\n\n".join(" ".join(rng.sample(sentences, rng.randint(2, 5))) for _ in range(paragraphs))
            if paragraphs > 6:
                body = body.replace("\n\n", "\n\n## " + _title(rng, sentences) + "\n\n", 1)
            front = {
                "title": f"{_title(rng, sentences)} ({number})",
                "lead": rng.choice(sentences),
                "published": published.strftime("%Y-%m-%d %H:%M"),
                "topics": chosen_topics,
                "partners": chosen_partners,
                "contacts": [{"name": "Anna Lind", "role": "Handläggare" if lang == "sv" else "Officer"}],
            }
            post = frontmatter.Post(body, **front)
            text_out = frontmatter.dumps(post, sort_keys=False) + "\n"
            (folder / f"{key}.{lang}.md").write_text(text_out, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or ROOT / "var" / f"corpus-{args.articles}"
    write_corpus(args.articles, out)
    print(f"wrote {args.articles} articles to {out}")


if __name__ == "__main__":
    main()
