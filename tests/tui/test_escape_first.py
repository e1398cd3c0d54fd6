"""The terminal parser reads Esc typed just before another key as Esc and that key, however the
bytes arrive (typeahead.EscapeFirstParser; issue 12, item 1)."""

from hypothesis import given
from hypothesis import strategies as st

from brokertui.screens.typeahead import EscapeFirstParser
from tests.pty.harness import KEYS

NAMED = ["escape", "tab", "enter", "backspace", "f3", "f4", "f7", "up", "left", "home", "delete"]
CHARACTERS = list("adsz/1ñé^[O")  # letters the app binds, text, and what follows ESC in sequences
# What the parser names a character key.
NAMES = {"/": "slash", "^": "circumflex_accent", "[": "left_square_bracket"}


def _parse(chunks: list[str]) -> list[str]:
    parser = EscapeFirstParser()
    names = [event.key for chunk in chunks for event in parser.feed(chunk)]
    if parser._timeout_time is not None:  # a lone Esc last: ESCDELAY passes
        parser._timeout_time = 0.0
        names += [event.key for event in parser.tick()]
    return names


@st.composite
def typed(draw) -> tuple[list[str], list[str]]:
    """Keys pressed (never Esc then '[' or 'O': that is the start of a key's sequence) and the
    text a terminal sends for them, cut anywhere into the reads that deliver it."""
    pressed: list[str] = []
    for key in draw(st.lists(st.sampled_from(NAMED + CHARACTERS), max_size=30)):
        if not (key in "[O" and pressed and pressed[-1] == "escape"):
            pressed.append(key)  # judged against the key kept before it, not the one drawn
    text = "".join(KEYS[key].decode() if key in KEYS else key for key in pressed)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=5)))
    edges = zip([0, *cuts], [*cuts, len(text)], strict=True)
    chunks = [text[a:b] for a, b in edges if a < b]  # a read is never empty
    return pressed, chunks


@given(typed())
def test_every_key_is_read_as_pressed_however_the_bytes_arrive(keys_and_chunks):
    pressed, chunks = keys_and_chunks
    assert _parse(chunks) == [NAMES.get(key, key) for key in pressed]


def test_esc_then_a_key_in_one_read_is_not_a_caret():
    assert _parse(["\x1bd"]) == ["escape", "d"]  # Textual alone: circumflex_accent, d
    assert _parse(["\x1b", "/ASM"]) == ["escape", "slash", "A", "S", "M"]
    assert _parse(["\x1bOS\x1b\x1b[A"]) == ["f4", "escape", "up"]


def test_a_paste_is_left_to_textual():
    parser = EscapeFirstParser()
    events = list(parser.feed("\x1b[200~a\x1bb\x1b[201~"))
    assert "escape" not in [getattr(e, "key", None) for e in events]
