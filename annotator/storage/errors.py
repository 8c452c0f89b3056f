"""What a database refusal looks like to callers outside storage (a grant, a row-level security
policy, a constraint): catch ``DatabaseError`` without importing SQLAlchemy yourself."""

from sqlalchemy.exc import DBAPIError as DatabaseError

__all__ = ["DatabaseError"]
