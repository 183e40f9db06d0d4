"""A small README in the list's format, written for the tests (titles and links are made up)."""

from __future__ import annotations

SAMPLE = """\
# Awesome Sample List
[![Awesome](https://awesome.re/badge.svg)]()

<!-- a comment -->
<p align="center">
## Not a heading: inside an HTML block
</p>

## \U0001f4a1 News
- **2024-1-5**: We started the list.



## \U0001f4d2 Table of Contents
- [Methods](#methods)
    - [Labeling](#labeling)

## Methods
### Knowledge Elicitation
#### Labeling
|  Title  |   Venue  |   Date   | Code | Data|
|:--------|:--------:|:--------:|:--------:|:--------:|
| [**Alpha Distillation**](https://arxiv.org/abs/2402.00001) | arXiv | 2024-02 |
| [**Beta Teaching: A Study**](https://arxiv.org/pdf/2401.00002v2.pdf) | ACL | 2024-01 | [Github](https://github.com/x/beta)| [Data](https://huggingface.co/datasets/x/a) <br> [Data](https://huggingface.co/datasets/x/b)|
| [**Gamma Labels**](https://aclanthology.org/2023.acl-long.1.pdf) | ACL | 2023-12 \n\
| Delta Without Link | - | 2023-11 | [Github]( https://github.com/x/delta ) |

#### Feedback

|  Title  |   Venue  |   Date   | Code | Data|
|:--------|:--------:|:--------:|:--------:|:--------:|

### \u2b50 Summary Table
<div align="center">
  <img src="imgs/table.jpg"><br>
</div>

## Why Distil?
|  Role  |   Description  |
|:--------|:--------:|
| **Compression** | Smaller models. |

## Citation
```
## Not a heading: inside code
| Title | Venue | Date |
|---|---|---|
| [**Fake**](https://arxiv.org/abs/2401.99999) | x | 2024-01 |
```
"""

LABELING = "Methods > Knowledge Elicitation > Labeling"
FEEDBACK = "Methods > Knowledge Elicitation > Feedback"
