"""How conversations reach people by mail (issue 20, points 5 and 6): notification settings, the
daily digest, one-click unsubscribe; the contract other parts call is challenge.messages.notifications."""
