{#- Every NBS code the concordance maps to an ADB sector, for each (year, classification,
    indicator) an NBS table prints: the cells each sector-year level needs. One definition for
    the model that sums them (int_nbs__mapped_to_adb) and the test that lists those missing
    (reports_every_mapped_code). -#}
{% macro nbs_expected_codes(stats, concordance) -%}
    select
        reported.year,
        reported.classification,
        reported.indicator,
        concordance.industry_code,
        concordance.adb_sector
    from (
        select distinct
            year,
            classification,
            indicator
        from {{ stats }}
    ) as reported
    inner join {{ concordance }} as concordance
        on reported.classification = concordance.classification
{%- endmacro %}
