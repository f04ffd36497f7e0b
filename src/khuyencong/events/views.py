from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def events_home(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/message.html", {"nav": "events"})
