from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Area, Membership, Organisation, Service, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["supervisor"]
    fields = ["organisation", "service", "area", "team", "role", "supervisor", "active"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_system_account",
        "last_login",
    ]
    list_filter = ["is_system_account", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {"fields": ("first_name", "last_name", "job_title", "professional_registration")},
        ),
        (
            _("Access"),
            {"fields": ("is_active", "is_system_account", "is_staff", "is_superuser")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "is_system_account",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        # A system account signs in nowhere: no password, no admin (its tokens act for it).
        if obj.is_system_account:
            obj.set_unusable_password()
            obj.is_staff = obj.is_superuser = False
        super().save_model(request, obj, form, change)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "nation", "area", "organisation", "active"]
    list_filter = ["nation", "active"]
    autocomplete_fields = ["area"]
    inlines = [TeamInline]


class ServiceInline(admin.TabularInline):
    model = Service
    verbose_name_plural = _("services belonging to it directly")
    fields = ["name", "code", "organisation", "active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ChildAreaInline(admin.TabularInline):
    model = Area
    fk_name = "parent"
    fields = ["name", "code", "level", "kind"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("parts")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    """The commissioning hierarchy: nations, their regions, the regions' areas."""

    list_display = ["name", "level", "kind", "code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    inlines = [ChildAreaInline, ServiceInline]

    def get_inlines(self, request, obj):
        # A new node has no parts or services yet: the lists appear once it is saved.
        return self.inlines if obj is not None else []
