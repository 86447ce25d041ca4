"""Homework 4 (ECE-GY 9123, Spring 2021): all logic of the report pipeline; scripts/ holds the rule entries."""
