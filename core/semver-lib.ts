/**
 * The parts of the semver package Chartroom uses, imported one by one: the package's index loads every
 * function and range helper, and one of them (ranges/subset) parses comparators as it loads, about 0.7 ms of
 * every command's start.
 */
import SemVer from 'semver/classes/semver.js';
import Range from 'semver/classes/range.js';
import clean from 'semver/functions/clean.js';
import coerce from 'semver/functions/coerce.js';
import neq from 'semver/functions/neq.js';
import parse from 'semver/functions/parse.js';
import prerelease from 'semver/functions/prerelease.js';
import rcompare from 'semver/functions/rcompare.js';
import valid from 'semver/functions/valid.js';

export { SemVer, Range, clean, coerce, neq, parse, prerelease, rcompare, valid };
