"""Reading SPARQL text without parsing it: a tokenizer shared by the sandbox and the rewriter.

The sandbox scans a user query for keywords that must not run (updates, SERVICE,
LOAD, FROM) and the remote rewriter renames graph IRIs; both must skip comments,
strings and IRIs the same way, so the token rules live here once.  SPARQL decodes
\\uXXXX escapes anywhere in the text before parsing, so callers that look for
keywords unescape first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(
    r'''(?P<comment>\#[^\n]*)
    |(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
       |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<iri><(?:[^<>"{}|^`\\\s]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    |(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
    |(?P<pname>(?:[A-Za-z\u00C0-\uFFFF][A-Za-z0-9_\u00B7-\uFFFF.-]*)?:
       (?:(?:[A-Za-z0-9_\u00B7-\uFFFF:%-]|\\[-_~.!$&'()*+,;=/?\#@%])
          (?:[A-Za-z0-9_\u00B7-\uFFFF.:%-]|\\[-_~.!$&'()*+,;=/?\#@%])*)?)
    |(?P<word>[A-Za-z_]+)
    |(?P<punct>[{}()*])''',
    re.VERBOSE,
)
UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.lastgroup or "", m.group(), m.start(), m.end())
            for m in TOKEN.finditer(text)]


def unescape(text: str) -> str:
    return UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
