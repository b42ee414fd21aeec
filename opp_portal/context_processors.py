from .access import page_caps, reach_of


def navigation(request) -> dict:
    """The menu asks the policy which pages the user has (`pages`), never their roles."""
    user = getattr(request, "user", None)
    reach = reach_of(user)
    return {"reach": reach, "user_roles": reach.roles, "pages": page_caps(user)}
