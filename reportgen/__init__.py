"""reportgen: UN E-Government Survey questionnaire answers -> country profiles."""

__version__ = "0.1.0"
