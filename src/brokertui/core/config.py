"""The user's preferences: `config.toml` in the user's config directory (platformdirs), e.g.
~/.config/brokertui/config.toml on Linux.

    tema = "textual-dark"          # the TUI's colour theme (saved when the user changes it)

    [teclas]                       # keymap: command id = key(s), as `brokertui config` lists
    "discharge.run" = "ctrl+d"
    "reports.export" = "x,ctrl+e"

A file that cannot be read, or a value that breaks a rule, never stops the app: `load` keeps
the defaults for what is wrong and words each problem in Spanish, naming the key."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

THEME = "tema"
KEYMAP = "teclas"
DEFAULT_THEME = "textual-dark"
DEFAULTS = "se usan los valores por omisión"
# One key as Textual names it: a character, or a name (f5, slash, pageup) after modifiers.
_KEY = re.compile(r"(?:(?:ctrl|shift|alt|meta|super)\+)*(?:[a-z0-9_]+|[^\s,])")


@dataclass
class Preferences:
    theme: str = DEFAULT_THEME
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def path() -> Path:
    """Where the file is: $BROKERTUI_CONFIG, else the user's config directory."""
    if override := os.environ.get("BROKERTUI_CONFIG"):
        return Path(override)
    return Path(platformdirs.user_config_dir("brokertui", appauthor=False)) / "config.toml"


def load(
    command_ids: set[str], file: Path | None = None, themes: Collection[str] = ()
) -> Preferences:
    """The preferences in `file` (default: path()); the keymap may remap only `command_ids`,
    and the theme must be one of `themes` (the TUI's, when given)."""
    file = file or path()
    prefs = Preferences()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return prefs
    except (OSError, UnicodeDecodeError) as exc:
        prefs.problems.append(f"{file}: no se pudo leer ({exc.__class__.__name__}); {DEFAULTS}")
        return prefs
    except tomllib.TOMLDecodeError as exc:
        prefs.problems.append(f"{file}: no es TOML válido ({exc}); {DEFAULTS}")
        return prefs
    for key in data.keys() - {THEME, KEYMAP}:
        prefs.problems.append(f"{file}: «{key}» no es una preferencia (tema, [teclas])")
    theme = data.get(THEME, DEFAULT_THEME)
    if isinstance(theme, str) and theme.strip():
        prefs.theme = theme.strip()
        if themes and prefs.theme not in themes:
            prefs.problems.append(f"{file}: no hay un tema «{prefs.theme}»; se usa {DEFAULT_THEME}")
            prefs.theme = DEFAULT_THEME
    else:
        prefs.problems.append(f"{file}: «{THEME}» debe ser el nombre de un tema entre comillas")
    keymap = data.get(KEYMAP, {})
    if not isinstance(keymap, dict):
        prefs.problems.append(f"{file}: «{KEYMAP}» debe ser una tabla [{KEYMAP}]")
        return prefs
    for command_id, keys in keymap.items():
        where = f"{file}: [{KEYMAP}] «{command_id}»"
        if command_id not in command_ids:
            prefs.problems.append(f"{where}: no existe esa acción (vea brokertui config)")
        elif not isinstance(keys, str) or not all(
            _KEY.fullmatch(k.strip()) for k in keys.split(",")
        ):
            prefs.problems.append(
                f'{where}: {keys!r} no es una tecla (p. ej. "ctrl+d", "f9", "x,ctrl+e")'
            )
        else:
            prefs.keymap[command_id] = ",".join(k.strip() for k in keys.split(","))
    return prefs


def save_theme(theme: str, file: Path | None = None) -> None:
    """Record `theme` in the file, keeping everything else in it as the user wrote it."""
    file = file or path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    line = f'{THEME} = "{theme}"'
    pattern = re.compile(rf"^{THEME}\s*=.*$", re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _match: line, text, count=1)
    else:
        text = f"{line}\n{text}"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
