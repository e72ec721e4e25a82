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
