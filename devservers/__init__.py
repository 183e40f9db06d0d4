"""Local stand-ins of arXiv (API and RSS) and GitHub: real HTTP servers on 127.0.0.1 speaking the real formats,
with fault modes, for the tests and the benchmarks. Development infrastructure: not part of the installed package.
"""
