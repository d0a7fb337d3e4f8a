from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Person


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("บุคลากร")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "position", "group", "division"]
    list_filter = ["group", "division"]
    # No `search_fields`: the search box uses the model's own (name, position), and naming
    # fields makes SQLite's full-text search fail on every query (django-modelsearch#47).


register_snippet(PersonViewSet)
