{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: the OpenMetadata custom {{ cookiecutter.service_type }} connector of this repository.

- ``metadata.py``: ``{{ cookiecutter.class_name }}``, the Source the workflow loads (``sourcePythonClass``),
  and the ``get_connection``/``test_connection`` OpenMetadata looks for beside it;
- ``models.py``: the records of your system, and where they are (``Resource``);
- ``client.py``: how the records are fetched ({{ cookiecutter.client_style }});
- ``connection.py``: ``{{ prefix }}Options`` (``connectionOptions``) and the connection checks;
- ``records.py``, ``source_config.py``, ``labels.py``: what every part of the connector
  does the same way (errors per record, FQNs, filters and deletions, tags and owners).
"""
