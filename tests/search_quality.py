"""The search-quality table: what citizens type, and the article they expect near the top.

Each row: (language, query, expected article key, note). Filters are written into the
query string form used by the site (see FILTERED). Misspellings expect a suggestion.
"""

TOP = 3

EXPECTED = [
    # Swedish: names, inflections, compounds
    ("sv", "Wexsus", "wexsus-partnerskap", "partner name"),
    ("sv", "samverkansarenan", "wexsus-partnerskap", "whole compound"),
    ("sv", "samverkan", "wexsus-partnerskap", "first part of samverkansarenan"),
    ("sv", "partnerskapet", "wexsus-partnerskap", "definite form, current Snowball"),
    ("sv", "Tomas Berglund", "wexsus-partnerskap", "person quoted in the text"),
    ("sv", "Sten Tolgfors", "wexsus-partnerskap", "contact person"),
    ("sv", "Jönköping University", "kvinnors-foretagande-landsbygd-2026", "partner name"),
    ("sv", "Högskolan i Borås", "cirkular-textil-natverk-2026", "partner name"),
    ("sv", "eldningsförbud", "eldningsforbud-vastra-gotaland-juli-2023", "title word"),
    ("sv", "eldningsförbudet", "eldningsforbud-dalsland-bohuslan-2019", "definite form"),
    ("sv", "ålgräs", "algras-aterplantering-bohuslan-2025", "å and ä kept"),
    ("sv", "flodpärlmusslor", "flodparlmussla-projekt-2021", "plural of a compound"),
    ("sv", "byggnadsminne", "forsby-kvarn-byggnadsminne-2021", "title word"),
    ("sv", "hällristningarna", "hallristningar-tanum-besok-2022", "definite plural"),
    ("sv", "varg", "rovdjursangrepp-bidrag-stangsel-2024", "word in text"),
    ("sv", "rovdjur", "rovdjursangrepp-bidrag-stangsel-2024", "first part of rovdjursangrepp"),
    ("sv", "våtmark", "vatmarker-stod-lantbrukare-2022", "singular of våtmarker"),
    ("sv", "grundvattnet", "lag-grundvatten-bohuslan-2023", "definite form"),
    ("sv", "Vänern", "vanern-hoga-vattennivaer-2022", "lake name"),
    ("sv", "skyfall", "skyfall-klimatanpassning-kommuner-2025", "title word"),
    ("sv", "klimatanpassning", "skyfall-klimatanpassning-kommuner-2025", "compound"),
    ("sv", "anpassning", "skyfall-klimatanpassning-kommuner-2025", "last part of klimatanpassning"),
    ("sv", "vindkraft", "vindkraft-dialog-kommuner-2024", "title word"),
    ("sv", "elbrist", "ovning-elbrist-vinter-2024", "title word"),
    ("sv", "dispens", "strandskydd-vagledning-kommuner-2024", "last part of strandskyddsdispens"),
    ("sv", "Klimatklivet", "klimatklivet-informationsmote-2023", "programme name"),
    ("sv", "klimatlöften", "klimatloften-klimat-2030-2020", "plural"),
    ("sv", "Ukraina", "mottagande-ukraina-2022", "country name"),
    ("sv", "mäns våld mot kvinnor", "vald-mot-kvinnor-utvecklingsmedel-2019", "phrase"),
    ("sv", "våld i nära relationer", "utbildning-vald-nara-relationer-2024", "phrase with stop words"),
    ("sv", "asylsökande", "tidiga-insatser-asylsokande-2025", "title word"),
    ("sv", "lanthandel", "stod-kommersiell-service-landsbygd-2020", "singular of lanthandlar"),
    ("sv", "häst", "hastar-utomhus-vinter-2021", "singular of hästar"),
    ("sv", "corona", "covid-19-regional-samverkan-2020", "synonym"),
    ("sv", "textil", "cirkular-textil-natverk-2026", "singular of textilier"),
    ("sv", "havsnivå", "havsnivahojning-vagledning-planering-2021", "singular of havsnivåer"),
    ("sv", "klimatstöd", "klimatklivet-informationsmote-2023", "best bet"),
    # English
    ("en", "Wexsus", "wexsus-partnerskap", "partner name"),
    ("en", "fire ban", "eldningsforbud-vastra-gotaland-juli-2023", "phrase"),
    ("en", "wildfire", "eldningsforbud-vastra-gotaland-juli-2023", "synonym"),
    ("en", "eelgrass", "algras-aterplantering-bohuslan-2025", "title word"),
    ("en", "pearl mussels", "flodparlmussla-projekt-2021", "plural"),
    ("en", "rock carving", "hallristningar-tanum-besok-2022", "singular"),
    ("en", "wetland", "vatmarker-stod-lantbrukare-2022", "title word"),
    ("en", "groundwater", "lag-grundvatten-bohuslan-2023", "title word"),
    ("en", "Lake Vänern", "vanern-hoga-vattennivaer-2022", "name with ä"),
    ("en", "cloudbursts", "skyfall-klimatanpassning-kommuner-2025", "plural"),
    ("en", "wind power", "vindkraft-dialog-kommuner-2024", "phrase"),
    ("en", "power shortage", "ovning-elbrist-vinter-2024", "phrase"),
    ("en", "shoreline protection exemption", "strandskydd-vagledning-kommuner-2024", "three words"),
    ("en", "Climate Leap", "klimatklivet-informationsmote-2023", "programme name"),
    ("en", "Ukrainian refugees", "mottagande-ukraina-2022", "inflected"),
    ("en", "domestic violence", "utbildning-vald-nara-relationer-2024", "phrase"),
    ("en", "asylum seeker", "tidiga-insatser-asylsokande-2025", "singular"),
    ("en", "forced marriage", "hedersrelaterat-vald-sommarlov-2021", "phrase"),
    ("en", "rising sea levels", "havsnivahojning-vagledning-planering-2021", "phrase"),
    ("en", "coronavirus", "covid-19-regional-samverkan-2020", "synonym"),
    ("en", "Tomas Berglund", "wexsus-partnerskap", "person"),
    ("en", "climate grant", "klimatklivet-informationsmote-2023", "best bet"),
]

# (language, query, query-string filters, expected key)
FILTERED = [
    ("sv", "grundvatten", "topic=krisberedskap", "lag-grundvatten-bohuslan-2023"),
    ("en", "water", "partner=smhi", "vanern-hoga-vattennivaer-2022"),
    ("sv", "stöd", "year=2022", "vatmarker-stod-lantbrukare-2022"),
    ("en", "Lövåsen", "other=1", "naturreservat-stora-lovasen-2019"),
]

# (language, misspelt query, expected suggestion)
MISSPELT = [
    ("sv", "Wexus", "Wexsus"),
    ("sv", "hällristingar", "hällristningar"),
    ("sv", "eldningsförbut", "eldningsförbud"),
    ("en", "eelgras", "eelgrass"),
    ("en", "shorline", "shoreline"),
    ("en", "Wexus", "Wexsus"),
]

# Queries as readers really type them (issue 18): without å, ä and ö, with one or two
# typing errors, irregular plurals, place names, and English readers typing Swedish names.
# (language, query, query-string filters, expected key in the top three, kind)
AS_TYPED = [
    # Without å, ä, ö: the folded form of a word in the content finds it.
    ("sv", "algras", "", "algras-aterplantering-bohuslan-2025", "folded"),
    ("sv", "eldningsforbud", "", "eldningsforbud-vastra-gotaland-juli-2023", "folded"),
    ("sv", "hallristningar", "", "hallristningar-tanum-besok-2022", "folded"),
    ("sv", "vatmark", "", "vatmarker-stod-lantbrukare-2022", "folded"),
    ("sv", "flodparlmussla", "", "flodparlmussla-projekt-2021", "folded"),
    ("sv", "asylsokande", "", "tidiga-insatser-asylsokande-2025", "folded"),
    ("sv", "klimatloften", "", "klimatloften-klimat-2030-2020", "folded"),
    ("sv", "havsnivaer", "", "havsnivahojning-vagledning-planering-2021", "folded"),
    ("sv", "grundvattennivaer", "", "lag-grundvatten-bohuslan-2023", "folded"),
    ("sv", "stenaldersboplats", "", "stenaldersboplats-visning-kungalv-2019", "folded"),
    ("sv", "hastar", "", "hastar-utomhus-vinter-2021", "folded"),
    ("sv", "vald i nara relationer", "", "utbildning-vald-nara-relationer-2024", "folded"),
    ("sv", "mans vald mot kvinnor", "", "vald-mot-kvinnor-utvecklingsmedel-2019", "folded"),
    # Place names, as written and folded.
    ("sv", "Vanern", "", "vanern-hoga-vattennivaer-2022", "place, folded"),
    ("sv", "Lovasen", "", "naturreservat-stora-lovasen-2019", "place, folded"),
    ("sv", "Karrsjon", "", "naturreservat-karrsjon-tanum-2024", "place, folded"),
    ("sv", "Kungalv", "", "stenaldersboplats-visning-kungalv-2019", "place, folded"),
    ("sv", "Vastra Gotaland eldningsforbud", "", "eldningsforbud-vastra-gotaland-juli-2023", "place, folded"),
    ("sv", "Hamnevik", "", "byggnadsminne-tullhuset-hamnevik-2025", "place"),
    ("sv", "Strömstad", "", "eldningsforbud-dalsland-bohuslan-2019", "place"),
    ("sv", "Marks kommun", "", "naturreservat-stora-lovasen-2019", "place"),
    # Names of partners, folded.
    ("sv", "Jonkoping University", "", "kvinnors-foretagande-landsbygd-2026", "partner, folded"),
    ("sv", "Hogskolan i Boras", "", "cirkular-textil-natverk-2026", "partner, folded"),
    ("sv", "Goteborgs Stad", "", "hedersrelaterat-vald-sommarlov-2021", "partner, folded"),
    # English readers typing Swedish names.
    ("en", "Vanern", "", "vanern-hoga-vattennivaer-2022", "Swedish name in English, folded"),
    ("en", "Lake Vanern", "", "vanern-hoga-vattennivaer-2022", "Swedish name in English, folded"),
    ("en", "Karrsjon", "", "naturreservat-karrsjon-tanum-2024", "Swedish name in English, folded"),
    ("en", "Bohuslan eelgrass", "", "algras-aterplantering-bohuslan-2025", "Swedish name in English, folded"),
    (
        "en",
        "Vastra Gotaland fire ban",
        "",
        "eldningsforbud-vastra-gotaland-juli-2023",
        "Swedish name in English",
    ),
    (
        "en",
        "Jonkoping University",
        "",
        "kvinnors-foretagande-landsbygd-2026",
        "Swedish name in English, folded",
    ),
    ("en", "Boras", "", "cirkular-textil-natverk-2026", "Swedish name in English, folded"),
    ("en", "Klimatklivet", "", "klimatklivet-informationsmote-2023", "Swedish name in English"),
    ("en", "Lovasen", "other=1", "naturreservat-stora-lovasen-2019", "Swedish name, folded, other languages"),
    (
        "en",
        "Kungalv",
        "other=1",
        "stenaldersboplats-visning-kungalv-2019",
        "Swedish name, folded, other languages",
    ),
    # One typing error: the results of the corrected query are shown at once.
    ("sv", "naturresevat", "", "naturreservat-karrsjon-tanum-2024", "typo, one error"),
    ("sv", "klimatanpasning", "", "skyfall-klimatanpassning-kommuner-2025", "typo, one error"),
    ("sv", "vinkraft", "", "vindkraft-dialog-kommuner-2024", "typo, one error"),
    ("sv", "grundvatnet", "", "lag-grundvatten-bohuslan-2023", "typo, one error"),
    ("sv", "samverkansarenen", "", "wexsus-partnerskap", "typo, one error"),
    ("en", "groundwatter", "", "lag-grundvatten-bohuslan-2023", "typo, one error"),
    ("en", "wetlnd", "", "vatmarker-stod-lantbrukare-2022", "typo, one error"),
    ("en", "sustainibility", "", "studentutmaning-hallbarhet-2026", "typo, one error"),
    ("en", "preparednes week", "", "beredskapsveckan-hemberedskap-2022", "typo, one error"),
    # Two errors (a missing letter and a missing diacritic count as two).
    ("sv", "hallristingar", "", "hallristningar-tanum-besok-2022", "typo, two errors"),
    ("sv", "eldingsforbud", "", "eldningsforbud-vastra-gotaland-juli-2023", "typo, two errors"),
    ("sv", "flodparlmusla", "", "flodparlmussla-projekt-2021", "typo, two errors"),
    ("sv", "klimatanpasnig", "", "skyfall-klimatanpassning-kommuner-2025", "typo, two errors"),
    ("en", "cloudbrust", "", "skyfall-klimatanpassning-kommuner-2025", "typo, two errors"),
    # Irregular inflection: umlaut plurals and English irregular plurals find their base words.
    ("sv", "bränder", "", "eldningsforbud-dalsland-bohuslan-2019", "irregular plural (brand)"),
    ("sv", "eldstad", "", "stenaldersboplats-visning-kungalv-2019", "singular of eldstäder"),
    ("sv", "fladdermus", "", "vindkraft-dialog-kommuner-2024", "singular of fladdermöss"),
    ("sv", "tjänstemän", "", "eldningsforbud-dalsland-bohuslan-2019", "irregular plural of a compound"),
    ("en", "woman", "", "kvinnors-foretagande-landsbygd-2026", "singular of women"),
    ("en", "child marriage", "", "hedersrelaterat-vald-sommarlov-2021", "singular of children"),
    ("en", "criterion", "", "investeringsstod-lantbruk-2025", "singular of criteria"),
]

# (language, query without results, the corrected query whose results are shown)
CORRECTED = [
    ("sv", "naturresevat", "naturreservat"),
    ("sv", "hallristingar", "hällristningar"),
    ("en", "groundwatter", "groundwater"),
]


def top_three_rate(client, key_of, rows) -> tuple[int, int]:
    """How many of `rows` (AS_TYPED's shape) have their article in the top three."""
    from tests.web.test_search import result_keys

    hits = sum(
        expected in result_keys(client, key_of, lang, query, filters)[:TOP]
        for lang, query, filters, expected, _ in rows
    )
    return hits, len(rows)


if __name__ == "__main__":
    # .venv/bin/python -m tests.search_quality: the top-three hit rate on the demo content.
    import tempfile
    from collections import defaultdict
    from pathlib import Path

    from tests.conftest import DEMO_CONTENT, LABEL, make_app
    from webapp.build import write_build
    from webapp.content import load_content

    with tempfile.TemporaryDirectory() as folder:
        content = load_content(DEMO_CONTENT, LABEL)
        write_build(content, Path(folder) / "builds")
        client = make_app(Path(folder) / "builds").test_client()
        key_of = {(a.lang, a.slug): a.key for a in content.articles}
        earlier = [(lang, q, "", key, note) for lang, q, key, note in EXPECTED]
        earlier += [(lang, q, filters, key, "filtered") for lang, q, filters, key in FILTERED]
        by_kind = defaultdict(list)
        for row in AS_TYPED:
            by_kind[row[4].split(",")[0].split(" (")[0]].append(row)
        print("rows                     top-3 hits")
        for name, rows in [("earlier (with filters)", earlier), ("new, all", AS_TYPED), *by_kind.items()]:
            hits, count = top_three_rate(client, key_of, rows)
            print(f"{name:<24} {hits}/{count} ({100 * hits / count:.0f} %)")
