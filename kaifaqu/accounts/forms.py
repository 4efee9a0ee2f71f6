from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from kaifaqu.core.forms import style_fields


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.fields["username"].widget.attrs["autofocus"] = True


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


__all__ = ["LoginForm", "StyledPasswordChangeForm", "forms"]
