{% test unique_combination(model, columns) %}
-- rows whose combination of `columns` occurs more than once
select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
