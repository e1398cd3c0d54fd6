"""The domain: pure Python and SQLite. Never imports textual, click or brokertui.screens."""
