from allauth.account.adapter import DefaultAccountAdapter


class ClosedAccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the school (or the demo seed); nobody signs up themselves."""

    def is_open_for_signup(self, request) -> bool:
        return False
