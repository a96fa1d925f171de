"""What the units tell other apps about their changes."""

from django.dispatch import Signal

# Sent with ``unit_ids`` after a write that may have changed those units' sort keys (their place in
# Vietnamese order, folded from the name): apps that keep a copy of the key bring it up to date.
sort_keys_changed = Signal()
