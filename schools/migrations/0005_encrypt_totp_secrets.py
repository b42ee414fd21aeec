"""TOTP secrets and recovery-code seeds stored before they were encrypted are encrypted now (opp_portal.mfa).

The adapter still reads an unencrypted value, so nothing breaks if a row is missed; backwards decrypts them.
"""

from django.db import migrations

from opp_portal.mfa import ENCRYPTED_PREFIX, decrypt_secret, encrypt_secret

FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def _convert(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=list(FIELDS)).iterator():
        data = dict(authenticator.data)
        changed = False
        for name in FIELDS[authenticator.type]:
            value = data.get(name)
            if isinstance(value, str):
                new = change(value)
                changed |= new != value
                data[name] = new
        codes = data.get("migrated_codes")
        if isinstance(codes, list):
            new_codes = [change(code) if isinstance(code, str) else code for code in codes]
            changed |= new_codes != codes
            data["migrated_codes"] = new_codes
        if changed:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt(apps, schema_editor):
    _convert(apps, lambda value: value if value.startswith(ENCRYPTED_PREFIX) else encrypt_secret(value))


def decrypt(apps, schema_editor):
    _convert(apps, decrypt_secret)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0004_pupil_transfers"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
