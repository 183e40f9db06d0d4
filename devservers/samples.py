"""A small list README in the real list's format (titles and links are made up), for the tests and the benches."""

from __future__ import annotations

README = """\
# Awesome Knowledge Distillation of LLM Papers

## \U0001f4a1 News
- **2024-2-20**: We released the list.

## KD Algorithms
### Knowledge Elicitation
#### Labeling
|  Title  |   Venue  |   Date   | Code | Data|
|:--------|:--------:|:--------:|:--------:|:--------:|
| [**Alpha Distillation**](https://arxiv.org/abs/2402.00001) | arXiv | 2024-02 |
| [**Beta Teaching**](https://arxiv.org/abs/2401.00002) | ACL | 2024-01 | [Github](https://github.com/x/beta)|

#### Feedback
|  Title  |   Venue  |   Date   | Code | Data|
|:--------|:--------:|:--------:|:--------:|:--------:|
| [**Gamma Feedback**](https://arxiv.org/abs/2312.00003) | arXiv | 2023-12 |
"""
