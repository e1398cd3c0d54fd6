"""Capture drafts belong to one OS user and one client (issue 12, item 7)."""

import pytest

from brokertui.core import dates
from brokertui.core.errors import NotFound
from brokertui.core.pedimentos import drafts
from brokertui.core.registry import clients

VALUES = {"encabezado": {"numero": "260739536000001"}}


def test_a_draft_is_listed_and_deleted_only_for_its_user_and_client(demo_db):
    mine, other = clients.list_clients(demo_db)[:2]
    draft = drafts.save_draft(demo_db, None, mine.id, VALUES)
    demo_db.execute("UPDATE pedimento_drafts SET updated_at = '2026-04-10T18:30:00+00:00'")
    (listed,) = drafts.list_drafts(demo_db, mine.id)
    assert (listed["rfc"], listed["razon_social"]) == (mine.rfc, mine.razon_social)
    assert drafts.list_drafts(demo_db, other.id) == []
    with pytest.raises(NotFound, match="no es suyo"):
        drafts.delete_draft(demo_db, draft, other.id)  # the id, from another client's list
    demo_db.execute("UPDATE pedimento_drafts SET os_user = 'luis'")
    assert drafts.list_drafts(demo_db, mine.id) == []
    with pytest.raises(NotFound):
        drafts.delete_draft(demo_db, draft, mine.id)  # a colleague's draft
    assert demo_db.execute("SELECT count(*) FROM pedimento_drafts").fetchone()[0] == 1


def test_a_stored_utc_time_is_shown_in_mexico_city_time():
    assert dates.local_time("2026-04-10T18:30:00+00:00") == "2026-04-10 12:30"  # UTC-6
    assert dates.local_time("2026-01-01T05:59:00+00:00") == "2025-12-31 23:59"
