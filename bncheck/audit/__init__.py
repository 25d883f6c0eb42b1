"""Checkpoint audit: read saved batch-norm statistics and check them (``bncheck audit``).

``audit_paths`` is the entry point; it returns an ``AuditReport`` (plain data) and
never prints.  Checkpoints are read from their files; TensorFlow is imported (through
``bncheck.tfcompat``) only for ``reader="tf"``.
"""

from bncheck.audit.model import AuditReport, BnLayer, CheckpointAudit, CheckpointInfo, TensorStats

__all__ = ["AuditReport", "BnLayer", "CheckpointAudit", "CheckpointInfo", "TensorStats", "audit_paths"]


def audit_paths(*args, **kwargs):  # noqa: ANN002, ANN003 - re-exported lazily, see core.audit_paths
    """Audit checkpoints; see :func:`bncheck.audit.core.audit_paths`."""
    from bncheck.audit.core import audit_paths as _audit_paths

    return _audit_paths(*args, **kwargs)
