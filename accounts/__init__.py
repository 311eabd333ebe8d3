"""Sign-in, password change and the editor and admin roles."""
