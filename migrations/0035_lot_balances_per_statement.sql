-- The kept balances of a new entrada (lot_balances, 0023; part_balances, 0024) are no longer
-- added row by row by a trigger: every statement that stores entradas (core/anexo24/entries.py)
-- adds its lots' balances after it, set-based (core/anexo24/balances.py, adding_lots). The
-- triggers were a third of the copy of an entradas import (issue 14, item 4). Those that follow
-- an entrada updated or deleted stay.
DROP TRIGGER lot_balances_add;
DROP TRIGGER part_balances_add;
