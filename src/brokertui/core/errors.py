"""Errors shown to the user as one line that names the field and the rule (in Spanish)."""


class BrokerError(Exception):
    """Base class: the message is ready to show to the user."""


class InvalidInput(BrokerError):
    """A value broke a rule; `field` names the field (as the CLI option / form field)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NeedsConfirmation(InvalidInput):
    """A value is suspicious but may be right; repeat with `force=True` to accept it."""


class NotFound(BrokerError):
    """The record asked for does not exist."""


class Conflict(BrokerError):
    """The change would break a uniqueness or state rule."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DatabaseBusy(BrokerError):
    """Another user held the database longer than the busy timeout."""


class SchemaTooNew(BrokerError):
    """The database was written by a newer brokertui."""
