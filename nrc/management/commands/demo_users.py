import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from committees.models import Member, Role

DEMO_USERS = [
    ("secretariat", Role.SECRETARIAT, None, "Secretariat officer"),
    ("chair", Role.CHAIR, None, "Chair's office"),
    ("auditor", Role.AUDITOR, None, "Auditor"),
    ("admin", Role.ADMINISTRATOR, None, "IT administrator"),
    ("delegation-us", Role.DELEGATION, "US", "Delegation of the United States"),
    ("delegation-ru", Role.DELEGATION, "RU", "Delegation of the Russian Federation"),
    ("delegation-fr", Role.DELEGATION, "FR", "Delegation of France"),
    ("delegation-de", Role.DELEGATION, "DE", "Delegation of Germany"),
]


class Command(BaseCommand):
    help = "Create or reset the demo users of every role with fresh passwords, and print them. Never in production."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.NRC_DEMO:
            raise CommandError("Demo users are disabled here (NRC_DEMO is off).")
        User = get_user_model()
        self.stdout.write("Demo logins (passwords are new at every start):")
        for username, role, iso2, name in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            member = Member.objects.get(iso2=iso2) if iso2 else None
            user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "member": member})
            user.role, user.member = role, member
            user.first_name = name
            user.email = f"{username}@nrc.example"
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.language = "ru" if iso2 == "RU" else "fr" if iso2 == "FR" else "en"
            user.set_password(password)
            user.save()
            self.stdout.write(f"  {username:<16} {password:<14} {user.get_role_display()}")
