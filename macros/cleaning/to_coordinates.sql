{#-
    A geolocation as one value: `array(latitude, longitude)`, in that order, the
    shape map tools expect. Null when either half is missing, so a half-known point
    is never mistaken for a real one.
-#}
{% macro to_coordinates(latitude, longitude) -%}
    {{ return(adapter.dispatch("to_coordinates", "pinlake")(latitude, longitude)) }}
{%- endmacro %}

{% macro default__to_coordinates(latitude, longitude) -%}
    case
        when {{ latitude }} is not null and {{ longitude }} is not null
            then array({{ latitude }}, {{ longitude }})
    end
{%- endmacro %}

{% macro postgres__to_coordinates(latitude, longitude) -%}
    case
        when {{ latitude }} is not null and {{ longitude }} is not null
            then array[{{ latitude }}, {{ longitude }}]
    end
{%- endmacro %}
