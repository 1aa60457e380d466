<?php

declare(strict_types=1);

namespace WHMCS\Database;

/**
 * As in WHMCS: a thin subclass of Capsule's manager.
 */
class Capsule extends \Illuminate\Database\Capsule\Manager
{
}
