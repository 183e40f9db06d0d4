"""`kd-tracker run` on a list no paper can be read from stops at once: one `Error:` line, no arXiv request."""

from __future__ import annotations

import re

from devservers.paths import SHARED
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import REPO, run

pytestmark = requires_shared


def test_a_list_without_papers_is_refused_before_any_fetch(setup, github, arxiv):
    text = (SHARED / "fixtures" / "other-lists" / "Awesome-Knowledge-Distillation.README.md").read_text(encoding="utf-8")
    # every item a tool: a link to its repository, no paper named by link, arXiv id or title sentence
    text = re.sub(r"^(\d+\.|-) .*$", lambda m: f"{m[1]} [Tool](https://github.com/org/tool{m.start()})", text,
                  flags=re.MULTILINE)
    github.push_commit(REPO, "main", {"README.md": text}, message="A list of tools")
    result = run(setup, "--as-of", "2024-03-18")
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"Error: README\.md:34: no papers found: the headings at lines 34, 102, 163, .* and no table "
                        r"has a Title column", line), line
    assert arxiv.requests == []
    assert [r for r in github.requests if r.is_write] == []
