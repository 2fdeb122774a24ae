"""reslint's rules, one module per code (shipped as the package ``reslint.rules``)."""
