from django.http import Http404


def import_view(request):  # replaced by the CSV import below
    raise Http404
