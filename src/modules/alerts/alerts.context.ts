/** What the alerts module adds to the services every request can reach. */
import type { AlertsService } from './alerts.service';

declare module '../../api/context' {
  interface AppServices {
    alerts: AlertsService;
  }
}
