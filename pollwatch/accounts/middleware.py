from django.contrib.auth.middleware import LoginRequiredMiddleware

# Machine endpoints authenticate themselves (device tokens, gateway signatures).
MACHINE_PREFIXES = ("/api/", "/hooks/", "/odk/")


class LoginRequiredForPagesMiddleware(LoginRequiredMiddleware):
    """Every page needs a login; the API answers 401 on its own instead of redirecting."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(MACHINE_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
