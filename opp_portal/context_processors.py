from .access import reach_of


def navigation(request) -> dict:
    reach = reach_of(getattr(request, "user", None))
    return {"reach": reach, "user_roles": reach.roles}
