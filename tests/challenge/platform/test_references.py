"""challenge/platform/references.py: the SCC-<year>-<number> format, written once. Pure unit tests."""

import pytest

from challenge.platform.references import ocid, proposal_reference, reference


def test_reference_without_padding():
    assert reference(2026, 7) == "SCC-2026-7"
    assert reference(2026, 1234) == "SCC-2026-1234"


def test_reference_padded_to_digits():
    assert reference(2026, 42, digits=4) == "SCC-2026-0042"
    assert reference(2026, 0, digits=3) == "SCC-2026-000"


def test_reference_longer_than_digits_is_not_cut():
    assert reference(2026, 123456, digits=4) == "SCC-2026-123456"


def test_reference_negative_number_is_refused():
    with pytest.raises(ValueError):
        reference(2026, -1)


def test_proposal_reference_has_four_digits():
    assert proposal_reference(2026, 42) == "SCC-2026-0042"
    assert proposal_reference(2027, 1) == "SCC-2027-0001"
    assert proposal_reference(2026, 10000) == "SCC-2026-10000"


def test_ocid_puts_the_prefix_before_the_reference():
    assert ocid("ocds-abc123", 2026, 7) == "ocds-abc123-SCC-2026-7"


def test_ocid_negative_number_is_refused():
    with pytest.raises(ValueError):
        ocid("ocds-abc123", 2026, -3)
