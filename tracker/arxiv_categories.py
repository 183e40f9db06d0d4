"""arXiv's category taxonomy (https://arxiv.org/category_taxonomy), as data, and the closest name to a typo.

Only these names are categories the API (``cat:cs.CL``) and the RSS feeds
(``/rss/cs.CL``) answer for; a misspelt one would silently fetch nothing.
"""

from __future__ import annotations

import difflib


def _archive(archive: str, subjects: str) -> tuple[str, ...]:
    return tuple(f"{archive}.{subject}" for subject in subjects.split())


CATEGORIES: frozenset[str] = frozenset((
    *_archive("cs", "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI "
                    "OH OS PF PL RO SC SD SE SI SY"),
    *_archive("econ", "EM GN TH"),
    *_archive("eess", "AS IV SP SY"),
    *_archive("math", "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT "
                      "SG SP ST"),
    *_archive("astro-ph", "CO EP GA HE IM SR"),
    *_archive("cond-mat", "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con"),
    "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph",
    *_archive("nlin", "AO CD CG PS SI"),
    "nucl-ex", "nucl-th",
    *_archive("physics", "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph "
                         "flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph"),
    "quant-ph",
    *_archive("q-bio", "BM CB GN MN NC OT PE QM SC TO"),
    *_archive("q-fin", "CP EC GN MF PM PR RM ST TR"),
    *_archive("stat", "AP CO ME ML OT TH"),
))
"""Every current arXiv category name, as the API and the feeds spell it (``cs.CL``, ``hep-th``, ``q-bio.NC``)."""


def closest_category(name: str) -> str | None:
    """The category ``name`` most likely means (``cs.cl`` -> ``cs.CL``, ``cs.CLL`` -> ``cs.CL``), or None."""
    by_lower = {c.lower(): c for c in CATEGORIES}
    close = difflib.get_close_matches(name.lower(), sorted(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None
