"""The choice values of an imported XForm, as Enketo and ODK Collect send them.

A single choice (``select1``) sends its value whole, so a value may hold spaces
(real forms list places as "Township 01"); a multiple choice (``select``) sends
its values separated by spaces, so none of them can hold one.
"""

from __future__ import annotations

from pollwatch.forms.form_import import import_form
from pollwatch.forms.validation import validate_answers

XFORM = """<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa">
  <h:head>
    <h:title>Places</h:title>
    <model>
      <instance>
        <data id="places">
          <township/><site/><kinds/>
          <meta><instanceID/></meta>
        </data>
      </instance>
      <instance id="township">
        <root>
          <item><name>Township 01</name><label>Township 01</label></item>
          <item><name>Township 02</name><label>Township 02</label></item>
        </root>
      </instance>
      <bind nodeset="/data/township" type="string" required="true()"/>
      <bind nodeset="/data/site" type="string"/>
      <bind nodeset="/data/kinds" type="string"/>
      <bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
    </model>
  </h:head>
  <h:body>
    <select1 ref="/data/township">
      <label>Township</label>
      <itemset nodeset="instance('township')/root/item">
        <value ref="name"/><label ref="label"/>
      </itemset>
    </select1>
    <select1 ref="/data/site">
      <label>Site</label>
      <item><label>School</label><value>school</value></item>
      <item><label>Town hall</label><value>town hall</value></item>
    </select1>
    <select ref="/data/kinds">
      <label>Kinds</label>
      <item><label>Tent</label><value>tent</value></item>
      <item><label>Hall</label><value>hall</value></item>
    </select>
  </h:body>
</h:html>
"""


def definition():
    return import_form(XFORM.encode(), "places.xml").definition


def test_a_single_choice_whose_values_hold_spaces_takes_such_a_value():
    result = validate_answers(definition(), {"township": "Township 01"})

    assert result.is_valid, result.errors
    assert result.answers["township"] == "Township 01"


def test_a_single_choice_listing_values_with_and_without_spaces_takes_either():
    for site in ("school", "town hall"):
        result = validate_answers(definition(), {"township": "Township 02", "site": site})

        assert result.is_valid, result.errors
        assert result.answers["site"] == site


def test_a_multiple_choice_still_reads_its_values_apart_at_spaces():
    result = validate_answers(definition(), {"township": "Township 01", "kinds": "tent hall"})

    assert result.is_valid, result.errors
    assert result.answers["kinds"] == ["tent", "hall"]


CALCULATED = """<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa">
  <h:head>
    <h:title>Strategies</h:title>
    <model>
      <instance>
        <data id="strategies">
          <stress/><crisis/><total/><level/>
          <meta><instanceID/></meta>
        </data>
      </instance>
      <bind nodeset="/data/stress" type="int"/>
      <bind nodeset="/data/crisis" type="int"/>
      <bind nodeset="/data/total" type="string" readonly="true()"
            calculate="/data/stress + /data/crisis" constraint=". &lt;= 25"/>
      <bind nodeset="/data/level" type="string" readonly="true()"
            calculate="if(/data/crisis = 1, '3', if(/data/stress = 1, '2', '1'))"/>
      <bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
    </model>
  </h:head>
  <h:body>
    <input ref="/data/stress"><label>Stress</label></input>
    <input ref="/data/crisis"><label>Crisis</label></input>
    <select1 ref="/data/level">
      <label>Level</label>
      <item><label>Crisis</label><value>3</value></item>
      <item><label>Stress</label><value>2</value></item>
    </select1>
  </h:body>
</h:html>
"""


def test_a_choice_the_device_calculates_is_taken_as_calculated_even_outside_its_list():
    form = import_form(CALCULATED.encode(), "strategies.xml").definition
    result = validate_answers(form, {"stress": 0, "crisis": 0, "total": "0", "level": "1"})

    assert result.is_valid, result.errors
    assert result.answers["level"] == "1"


def test_the_constraint_of_a_calculation_is_left_to_the_device_that_computes_it():
    # The device reads "10" <= 25 as numbers; the calculation's text says nothing of its type.
    form = import_form(CALCULATED.encode(), "strategies.xml").definition
    result = validate_answers(form, {"stress": 4, "crisis": 6, "total": "10", "level": "3"})

    assert result.is_valid, result.errors
    assert result.answers["total"] == "10"
